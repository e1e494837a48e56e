// Types of postgres.mjs, for the TypeScript tests and benchmarks that start a server.

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  /** `postgresql://USER@127.0.0.1:PORT/DATABASE` (trust authentication, no password). */
  readonly connectionString: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly database: string
  readonly dataDir: string
  /** Shuts the server down and removes its directory. */
  stop(): Promise<void>
  /** What the server wrote to its log so far (the first 20 000 characters). */
  log(): string
}

export interface StartPostgresOptions {
  /** The database to create (default "effvm"). */
  readonly database?: string
  /** The superuser (default "postgres"). */
  readonly user?: string
  /** The port (default: a free one). */
  readonly port?: number
  /** Extra server settings, `-c name=value`. */
  readonly settings?: Readonly<Record<string, string>>
  readonly startTimeoutMs?: number
}

export function startPostgres(options?: StartPostgresOptions): Promise<PostgresServer>
export function postgresBinDir(): string
export function freePort(): Promise<number>

// A throwaway PostgreSQL server for tests and benchmarks: `startPostgres()` runs initdb into a
// fresh temporary directory, starts `postgres` on a free loopback port (its unix socket in the
// same directory) and resolves to `{ connectionString, port, dataDir, stop() }`. `stop()` shuts
// the server down (fast mode, then SIGKILL if it lingers) and removes the directory. A server
// is also stopped when the process that started it exits, so none is ever left running.
//
// Run as root (CI and the development machines), the server runs as the `postgres` user
// (`runuser -u postgres --`): PostgreSQL refuses to run as root. Under another user it runs as
// that user. The binaries come from `PG_BIN` when set, else the newest
// /usr/lib/postgresql/*/bin (Debian's `postgresql` package; scripts/system-packages.sh
// installs it).
//
//   import { startPostgres } from "../scripts/services/postgres.mjs"
//   const pg = await startPostgres()
//   // ... new pg.Pool({ connectionString: pg.connectionString }) ...
//   await pg.stop()
import { spawn, spawnSync } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

const running = new Set()
let exitHookInstalled = false

/** The directory holding initdb and postgres: `PG_BIN`, else the newest installed version. */
export function postgresBinDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = "/usr/lib/postgresql"
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions.length === 0) {
    throw new Error(
      "startPostgres: no PostgreSQL server found under /usr/lib/postgresql/*/bin; install " +
        "Debian's postgresql package (bash scripts/system-packages.sh) or set PG_BIN",
    )
  }
  return join(root, versions[0], "bin")
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts a fresh PostgreSQL server on loopback. Options: `database` (created, default
 * "effvm"), `user` (the superuser, default "postgres"), `settings` (extra `-c name=value`
 * server settings as an object), `startTimeoutMs` (default 30 000).
 */
export async function startPostgres(options = {}) {
  const bin = postgresBinDir()
  const user = options.user ?? "postgres"
  const database = options.database ?? "effvm"
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), "effvm-pg-"))
  const dataDir = join(dir, "data")
  // Run as the postgres user when root: it must be able to enter and write the directory.
  const runAs = (cmd, args) =>
    asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]
  if (asRoot) {
    chmodSync(dir, 0o755)
    spawnSync("chown", ["postgres:postgres", dir])
  }
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true })

  const [initCmd, initArgs] = runAs(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-U",
    user,
    "--auth=trust",
    "--encoding=UTF8",
    "--no-sync",
    "--no-instructions",
  ])
  const init = spawnSync(initCmd, initArgs, { encoding: "utf8" })
  if (init.status !== 0) {
    cleanupDir()
    throw new Error(
      `startPostgres: initdb failed (exit ${init.status}):\n${init.stderr || init.stdout}`,
    )
  }

  const port = options.port ?? (await freePort())
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: dir,
    max_connections: "100",
    // A test server: durability of the machine itself is not under test (the stores' own
    // write-ahead ordering is, and it does not depend on fsync).
    fsync: "off",
    synchronous_commit: "on",
    full_page_writes: "off",
    ...(options.settings ?? {}),
  }
  const args = ["-D", dataDir]
  for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${value}`)
  const [cmd, cmdArgs] = runAs(join(bin, "postgres"), args)
  const child = spawn(cmd, cmdArgs, { stdio: ["ignore", "ignore", "pipe"], detached: false })
  let log = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk) => {
    if (log.length < 20_000) log += chunk
  })
  let exited = false
  const exitPromise = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exited = true
      resolve({ code, signal })
    }),
  )

  const server = { child, dir, stopped: false }
  running.add(server)
  installExitHook()

  const stop = async () => {
    if (server.stopped) return
    server.stopped = true
    running.delete(server)
    if (!exited) {
      // SIGINT is PostgreSQL's "fast" shutdown; sent to the postmaster itself (its pid is in
      // postmaster.pid), since runuser does not pass it on.
      signalPostmaster(dataDir, "SIGINT") || child.kill("SIGINT")
      const timer = setTimeout(() => killServer(server), 10_000)
      await exitPromise
      clearTimeout(timer)
    }
    // The postmaster removes its pid file last, once its children are gone: wait for that
    // before removing the directory (a shutdown checkpoint may still be writing).
    const gone = Date.now() + 10_000
    while (existsSync(join(dataDir, "postmaster.pid")) && Date.now() < gone) {
      await new Promise((r) => setTimeout(r, 25))
    }
    killLeftovers(dataDir)
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000)
  const isReady = join(bin, "pg_isready")
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`startPostgres: the server exited during startup:\n${log}`)
    }
    const ready = spawnSync(isReady, ["-h", "127.0.0.1", "-p", String(port), "-U", user], {
      encoding: "utf8",
    })
    if (ready.status === 0) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`startPostgres: the server did not accept connections in time:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }

  if (database !== "postgres") {
    const [c, a] = runAs(join(bin, "createdb"), [
      "-h",
      dir,
      "-p",
      String(port),
      "-U",
      user,
      database,
    ])
    const created = spawnSync(c, a, { encoding: "utf8" })
    if (created.status !== 0) {
      await stop()
      throw new Error(`startPostgres: createdb ${database} failed:\n${created.stderr}`)
    }
  }

  return {
    connectionString: `postgresql://${user}@127.0.0.1:${port}/${database}`,
    port,
    host: "127.0.0.1",
    user,
    database,
    dataDir,
    stop,
    log: () => log,
  }
}

function signalPostmaster(dataDir, signal) {
  const pidFile = join(dataDir, "postmaster.pid")
  if (!existsSync(pidFile)) return false
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, signal)
    return true
  } catch {
    return false
  }
}

// If postgres outlived its parent (runuser killed first), its postmaster.pid names it.
function killLeftovers(dataDir) {
  signalPostmaster(dataDir, "SIGKILL")
}

function killServer(server) {
  try {
    server.child.kill("SIGKILL")
  } catch {
    // already gone
  }
  killLeftovers(join(server.dir, "data"))
}

function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Synchronous last resort: the process is going away without having called stop().
  process.on("exit", () => {
    for (const server of running) {
      killServer(server)
      rmSync(server.dir, { recursive: true, force: true })
    }
  })
}

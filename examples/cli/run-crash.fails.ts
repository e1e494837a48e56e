// Fails on purpose: runs the effvm command on examples/cli/crash.ts (docs/cli.md),
//   pnpm exec effvm run examples/cli/crash.ts
// which prints the failing program's traceback to stderr and exits 1; this script passes
// both on. CI expects exit code 1 and a traceback.
import { effvm } from "./effvm-command.js"

const r = effvm("run", "examples/cli/crash.ts")
process.stdout.write(r.stdout)
process.stderr.write(r.stderr)
process.exit(r.status ?? 1)

// Runs the effvm command on examples/cli/greet.ts (docs/cli.md), the way a newcomer would:
//   pnpm exec effvm run examples/cli/greet.ts --env greeting=hello --virtual-clock
// and checks what it prints. Run after `pnpm build`: node examples/dist/cli/run-greet.js
import assert from "node:assert/strict"
import { effvm } from "./effvm-command.js"

const r = effvm("run", "examples/cli/greet.ts", "--env", "greeting=hello", "--virtual-clock")
process.stdout.write(r.stdout)
process.stderr.write(r.stderr)
assert.equal(r.status, 0)
assert.equal(r.stdout, "hello, ada\nhello, grace\n")

/** What `effvm --help` prints. */
export const helpText = `effvm: run an effvm program module and read its traceback.

Usage:
  effvm run <module> [options]   run the module's default export
  effvm replay <journal>         replay a journal written by run --record: the same
                                 result or traceback, without the outside or waiting
                                 (options: --capture-stacks full, --timeline FILE)
  effvm --help                   show this help
  effvm --version                show the version

The module (.js, .mjs, .ts, .mts …; TypeScript is loaded through tsx) exports a program,
or a function returning one (called with no arguments). It runs under the scheduler with
runAsync and the default handlers (reader, state, writer, log). The result is printed
to stdout (nothing for undefined); log(...) entries go to stderr.

Options:
  --export NAME          run this named export instead of the default export
  --env KEY=VALUE        put KEY in the reader's environment (ask("KEY")); repeatable
  --capture-stacks full  show the exact live line of every frame in tracebacks (slower)
  --virtual-clock        run sleeps on a VirtualClock: time jumps, nothing waits
  --quanta N             machine steps before a busy task is preempted (0: never)
  --record FILE          write the run's journal to FILE (also when it fails), for
                         effvm replay FILE (docs/durable.md)
  --timeline FILE        trace the run and write its timeline (one HTML page) to FILE

Exit codes:
  0  the program finished; its value was printed
  1  the program failed; its traceback was printed to stderr
  2  bad input: missing module file, no such export, an export that is not a program,
     or a wrong option
`

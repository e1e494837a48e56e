/** The program finished. */
export const EXIT_OK = 0
/** The program (or the module, as it loaded) failed: a traceback is on stderr. */
export const EXIT_FAILED = 1
/** Bad input: a wrong option, a missing module file, no such export, not a program. */
export const EXIT_BAD_INPUT = 2

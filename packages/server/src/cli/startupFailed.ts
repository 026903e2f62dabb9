/** startServer failed after it began listening, and has reported it through `onFatal` (which ends the process). */
export class StartupFailed extends Error {}

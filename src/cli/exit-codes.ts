/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
/** The work completed, but some input was skipped (malformed lines, unreadable files…). */
export const EXIT_SKIPPED_INPUT = 1;
/** Usage errors, or rules that failed to load or compile. */
export const EXIT_USAGE = 2;

export const ROOT: string;
export const CODE_SERVER_DIR: string;
export const CODE_SERVER_BIN: string;
export const CODE_SERVER_MARKER: string;
export const CHROMIUM: string;
export const EXAMPLES: string;
export const RESULTS_DIR: string;
export const SCREENSHOTS_DIR: string;

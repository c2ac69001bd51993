export const VSIX_MAX_BYTES: number;
export const MAIN_CHUNK_MAX_BYTES: number;
export const DEV_MAIN_CHUNK_MAX_BYTES: number;
export const STATIC_ASSETS_MAX_BYTES: number;
export const ACTIVATION_MAX_MS_OVER_EMPTY: number;
export const ACTIVATION_MAX_BYTES_OVER_EMPTY: number;
export const TREE_FIRST_PAGE_MAX_MS: number;
export const LAZY_ONLY_PACKAGES: string[];

export function bundledModules(text: string): string[];
export function lazyOnlyPackagesIn(text: string): string[];

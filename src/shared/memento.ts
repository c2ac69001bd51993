/** The shape of VS Code's workspaceState and globalState that stores use (a Map stands in for it in tests). */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

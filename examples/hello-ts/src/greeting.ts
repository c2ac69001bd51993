export interface Greeting {
  message: string;
  runtime: string;
}

export function greeting(name: string, word: string): Greeting {
  return { message: `${word}, ${name}!`, runtime: `Node.js ${process.versions.node} (TypeScript)` };
}

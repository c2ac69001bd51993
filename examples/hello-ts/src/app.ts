import { greeting, type Greeting } from './greeting';

interface GreetEvent {
  name?: string;
}

/** Built by esbuild as `sam build` would (see Metadata in template.yaml); stack traces point at this file. */
export const handler = async (event: GreetEvent): Promise<Greeting> => {
  if (event.name === 'error') throw new Error('Asked to fail');
  return greeting(event.name ?? 'world', process.env.GREETING ?? 'Hello');
};

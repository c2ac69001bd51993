// Answers with a greeting for event.name, e.g. {"name": "Ada"} → "Hello, Ada!"
export const handler = async (event) => {
  const name = typeof event?.name === 'string' && event.name ? event.name : 'world';
  const greeting = process.env.GREETING ?? 'Hello';
  console.log(`Greeting ${name}`);
  return { message: `${greeting}, ${name}!`, runtime: `Node.js ${process.versions.node}` };
};

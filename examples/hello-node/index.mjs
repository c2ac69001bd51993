// Answers with a greeting for event.name, e.g. {"name": "Ada"} → "Hello, Ada!"
// {"fail": true} makes it throw, to see how a function error and its stack trace look.
export const handler = async (event) => {
  if (event?.fail === true) throw new Error('Asked to fail');
  const name = typeof event?.name === 'string' && event.name ? event.name : 'world';
  const greeting = process.env.GREETING ?? 'Hello';
  console.log(`Greeting ${name}`);
  return { message: `${greeting}, ${name}!`, runtime: `Node.js ${process.versions.node}` };
};

// vitest globalSetup: nothing global yet; real-server and PostgreSQL harnesses add themselves here.
export default async function setup(): Promise<void> {}

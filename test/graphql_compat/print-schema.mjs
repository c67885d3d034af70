// Writes the GraphQL SDL PostGraphile builds from graphile.config.mjs
// (graphql-js printSchema, PostGraphile's own type and field order) to the
// file named by the first argument, or to stdout.
import { writeFileSync } from "node:fs";
import { makeSchema } from "postgraphile";
import { printSchema } from "postgraphile/graphql";
import preset from "./graphile.config.mjs";

const { schema } = await makeSchema(preset);
const sdl = printSchema(schema) + "\n";
if (process.argv[2]) {
  writeFileSync(process.argv[2], sdl);
  process.exit(0);
} else {
  // process.exit() would cut a piped stdout short: exit once it is flushed.
  process.stdout.write(sdl, () => process.exit(0));
}

// PostGraphile v5 configuration used to produce the golden outputs (and by
// bench/postgraphile_anchor.sh). Plain Amber preset: no JWT, default error
// masking. Requests run as role app_anonymous on connections of
// app_authenticator (see schema.sql).
//
// Environment: COMPAT_DATABASE_URL (postgres://app_authenticator@127.0.0.1:PORT/compat)
//              COMPAT_HTTP_PORT (grafserv port on 127.0.0.1)
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.COMPAT_DATABASE_URL,
      schemas: ["app"],
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.COMPAT_HTTP_PORT || 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    watch: false,
  },
  grafast: {
    explain: false,
    context() {
      return { pgSettings: { role: "app_anonymous" } };
    },
  },
};

export default preset;

// PostGraphile v5 configuration used to produce the golden outputs (and by
// bench/postgraphile_anchor.sh). Amber preset with default error masking.
// A request without a token runs as app_anonymous on connections of
// app_authenticator (see schema.sql); a request with `Authorization: Bearer
// <HS256 token>` (audience "postgraphile") runs as the token's `role`, with
// every claim in jwt.claims.<name>, as PostGraphile's PgLazyJWTPreset does
// (its documentation recommends doing this in grafast.context instead,
// which is what this file does). The compat cases that mutate send such a
// token (compare.py's bearer_token); pg_gateway's comparator verifies the
// same token with the same secret.
//
// Environment: COMPAT_DATABASE_URL (postgres://app_authenticator@127.0.0.1:PORT/compat)
//              COMPAT_HTTP_PORT (grafserv port on 127.0.0.1)
//              COMPAT_JWT_SECRET (the HS256 secret; compare.py's JWT_SECRET)
//              COMPAT_JWT_PUBLIC_KEY (a PEM public key: ES256 tokens instead)
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import jwt from "jsonwebtoken";
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
  // PgJWTPlugin: functions returning app.jwt_token yield a token signed
  // with this secret (HS256).
  gather: { pgJwtTypes: "app.jwt_token" },
  schema: { pgJwtSecret: process.env.COMPAT_JWT_SECRET },
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.COMPAT_HTTP_PORT || 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    watch: false,
  },
  grafast: {
    explain: false,
    context(requestContext) {
      const pgSettings = { role: "app_anonymous" };
      const authorization = requestContext?.node?.req?.headers?.authorization;
      // COMPAT_JWT_PUBLIC_KEY (a PEM P-256 key, ES256) is for
      // bench/graphql_vs_postgraphile.sh AUTH=es256.
      const publicKey = process.env.COMPAT_JWT_PUBLIC_KEY;
      const secret = publicKey || process.env.COMPAT_JWT_SECRET;
      if (secret && typeof authorization === "string") {
        const [scheme, token] = authorization.split(" ");
        if (scheme.toLowerCase() === "bearer") {
          const claims = jwt.verify(token, secret, {
            algorithms: publicKey ? ["ES256"] : ["HS256"],
            audience: "postgraphile",
          });
          if (claims.role) pgSettings.role = claims.role;
          for (const [key, value] of Object.entries(claims))
            if (value && /^[a-z_][a-z0-9_]*$/i.test(key) && key.length <= 52)
              pgSettings[`jwt.claims.${key}`] = String(value);
        }
      }
      return { pgSettings };
    },
  },
};

export default preset;

import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ["public/sw.js", ".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "db/migrations/**", "dist/**", ".tools/**"] },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-ignore": true, "ts-expect-error": "allow-with-description" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // src/env.ts is the only module that reads process.env.
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through src/env.ts." }],
    },
  },
  {
    files: ["src/env.ts", "src/lib/public-env.ts", "tests/**", "bench/**", "db/scripts/**", "scripts/start.mjs", "scripts/server.mjs", "scripts/demo.mjs", "scripts/parallel.mjs", "playwright.config.ts", "vitest.config.mts", "drizzle.config.ts", "src/instrumentation.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Code that runs in the browser (components, the offline queue, the service worker) and the contracts it shares
    // with the server must never pull server modules into a client bundle: import schemas from src/contracts instead.
    files: ["src/contracts/**", "src/components/**", "src/lib/**", "src/sw.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              // Anything under server/ except 'use server' action modules (*.actions), which Next turns into references.
              regex: "(^|/)server(/(?!.*\\.actions$)|$)|^server-only$|^@db/",
              message: "Client code and contracts must not import server code (src/server/**) other than 'use server' action modules: use src/contracts.",
            },
          ],
        },
      ],
    },
  },
];
export default config;

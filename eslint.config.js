// typescript-eslint, type-aware, for the mistakes that tests miss: promises nobody awaits or whose
// rejection is lost, promises passed where a callback's result is ignored, and switches over a
// union that forget a member.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/", "dist/", "data/", ".node/", "bench/out/", ".tmp-*/", "exercises/*/starter.ts", "exercises/*/solution.ts", "tests/hostile/*.ts"],
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
);

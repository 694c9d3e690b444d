/** Type checking runs once for the whole project (`tsc --noEmit` in `npm test`); ts-jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/components", "<rootDir>/stacks", "<rootDir>/policies", "<rootDir>/scripts", "<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 120000,
};

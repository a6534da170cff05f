// Lint: typescript-eslint's type-aware rules, Pulumi's Output-in-template-literal rules, prettier for layout.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";

export default tseslint.config(
    // .stryker-tmp/: the sandboxes of a running `npm run mutate` (a copy of the project), outside the TypeScript program.
    { ignores: ["node_modules/", "out/", "bin/", "packages/*/dist/", ".stryker-tmp/", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: { parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // node:test's describe/it return promises the runner itself awaits.
            "@typescript-eslint/no-floating-promises": [
                "error",
                { allowForKnownSafeCalls: [{ from: "package", name: ["describe", "it"], package: "node:test" }] },
            ],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
            // Pulumi resources are created for their side effects.
            "no-new": "off",
        },
    },
    {
        // Tests and the policy checks walk untyped JSON (Kubernetes objects from either engine); the
        // unsafe-any rules would only add casts.
        files: ["test/**/*.ts", "test/**/*.mts", "policy/checks.ts"],
        rules: {
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            "@typescript-eslint/no-explicit-any": "off",
        },
    },
    {
        // verify/ talks to a live cluster and must start in under a second: it never loads Pulumi,
        // and from the program it takes only the pure modules (names, versions, labels, settings).
        files: ["verify/**/*.ts", "test/verify/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        { group: ["@pulumi/*"], message: "verify/ never imports Pulumi (README: Architecture)." },
                        {
                            regex: "components/(?!(versions|addons/names|app/labels)$)",
                            message: "verify/ takes only pure component modules: versions, addons/names, app/labels.",
                        },
                        { regex: "/synth/", message: "verify/ does not use the synth engine (it loads Pulumi); use stacks/stack-file." },
                    ],
                },
            ],
        },
    },
    {
        // The CLI loads its own modules lazily with require(), typed `as typeof import("./x")`: scripts/launch.cjs
        // runs it under tsx's CommonJS hook only, which import() does not go through (verify/main.ts says why).
        files: ["verify/main.ts"],
        rules: { "@typescript-eslint/no-require-imports": ["error", { allow: ["^\\./"] }] },
    },
    {
        // The CommonJS launchers run before tsx is registered, so they are plain JavaScript: no
        // TypeScript program covers them, and Node's CommonJS globals are theirs.
        files: ["**/*.cjs"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            ...tseslint.configs.disableTypeChecked.languageOptions,
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
                structuredClone: "readonly",
            },
        },
        rules: {
            ...tseslint.configs.disableTypeChecked.rules,
            "@typescript-eslint/no-require-imports": "off",
            // Both need type information, and no Pulumi Output exists before the SDKs are loaded.
            "@pulumi/no-output-in-template-literal": "off",
            "@pulumi/no-output-instance-in-template-literal": "off",
        },
    },
    {
        // ES modules Node loads before tsx is registered (test/reporter.mjs: the test runner loads its
        // reporters first) and the reporter's fixtures: plain JavaScript, outside the TypeScript program.
        files: ["**/*.mjs"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            ...tseslint.configs.disableTypeChecked.languageOptions,
            sourceType: "module",
            globals: { process: "readonly", console: "readonly", setImmediate: "readonly" },
        },
        rules: {
            ...tseslint.configs.disableTypeChecked.rules,
            "@pulumi/no-output-in-template-literal": "off",
            "@pulumi/no-output-instance-in-template-literal": "off",
        },
    },
    prettier,
);

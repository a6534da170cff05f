// Loaded with `node --require` before tsx is registered (package.json's synth script): the five
// Pulumi SDKs are about 1,700 CommonJS modules, and tsx's require hook, once registered, inspects
// every one of them. Loaded first with plain Node they are cached, and tsx sees only the project's
// own files: measured on the dev stack, the synth goes from 3.1 s to 2.3 s with the same output.
"use strict";
for (const sdk of require("./sdks.json")) {
    require(sdk);
}

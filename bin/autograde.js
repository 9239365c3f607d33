#!/usr/bin/env node
// The CLI process never loads isolated-vm itself (grading runs in child workers started with
// --no-node-snapshot), so registering tsx here is all it needs.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");

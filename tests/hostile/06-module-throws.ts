// @ts-nocheck
throw new Error("module refuses to load");

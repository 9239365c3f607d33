// @ts-nocheck
// Appended to the model solution: loading the module leaves a rejected promise nobody handles.
Promise.reject(new Error("rejected while loading"));

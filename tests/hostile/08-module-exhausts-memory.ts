// @ts-nocheck
const hog = Array(1e8).fill(0);
export const hogSize = hog.length;

// @ts-nocheck
for (;;) {}

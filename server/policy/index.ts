// What other parts (routes, LTI, CLI) take from the course policy: pure functions and the assignment body schema.
export { admit, attemptLimits, attemptRefusal, attemptsView, releaseOf, releaseTime, type Admission, type AttemptsView, type Release } from "./admission.ts";
export { assignmentBody, assignmentBodyOf, assignmentPolicy, latePenaltyBody, type AssignmentBody } from "./assignment-body.ts";
export { closesAt, effectiveDeadline, latenessOf, penalized, penaltyPercent, type Deadline } from "./deadlines.ts";

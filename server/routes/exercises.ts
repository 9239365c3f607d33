import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { starterModule } from "../../exercises/index.ts";
import type { Exercise, ExerciseId, Value } from "../../exercises/types.ts";
import type { AppDeps } from "../app-deps.ts";
import { ApiError } from "../errors.ts";
import { errorBody, exerciseDetail, exerciseList, exerciseListQuery, exerciseParams } from "../schemas.ts";

/** Tensors become `{ shape, data: number[] }`; everything else is already JSON. */
function toJson(value: Value): unknown {
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === "object") {
    if ("data" in value && ArrayBuffer.isView(value.data) && "shape" in value) {
      return { shape: [...(value.shape as readonly number[])], data: Array.from(value.data as Float64Array) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v as Value)]));
  }
  return value;
}

/** Only visible cases are built here: hidden inputs and model solutions never leave the server. */
function describe(exercise: Exercise): z.infer<typeof exerciseDetail> {
  const visible = exercise.cases.filter((c) => c.visible);
  return {
    id: exercise.id,
    title: exercise.title,
    points: exercise.points,
    description: exercise.description,
    signature: exercise.signature,
    starter: exercise.starter,
    visibleCases: visible.map((recipe) => {
      const args = recipe.build();
      const expected = exercise.expected(args)[0];
      return { name: recipe.name, args: args.map(toJson), expected: expected ? exercise.printout(expected.value) : "" };
    }),
    hiddenCaseCount: exercise.cases.length - visible.length,
  };
}

export const exerciseRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const details = new Map<ExerciseId, z.infer<typeof exerciseDetail>>();
  const detailOf = (exercise: Exercise) => {
    let detail = details.get(exercise.id);
    if (!detail) {
      detail = describe(exercise);
      details.set(exercise.id, detail);
    }
    return detail;
  };
  // Computed once: the offered exercises' starters (and those of the exercises they call), in course order.
  const offeredStarterModule = starterModule(deps.exercises.map((e) => e.id));

  app.get(
    "/exercises",
    {
      schema: {
        tags: ["exercises"],
        description: "The offered exercises in course order; with ?detail=true each in full (as GET /exercises/{id}) plus the starter module.",
        querystring: exerciseListQuery,
        response: { 200: exerciseList, 400: errorBody },
      },
    },
    async (request) => {
      if (request.query.detail === "true") {
        return { exercises: deps.exercises.map(detailOf), starterModule: offeredStarterModule };
      }
      return { exercises: deps.exercises.map((e) => ({ id: e.id, title: e.title, points: e.points })) };
    },
  );

  app.get(
    "/exercises/:id",
    { schema: { tags: ["exercises"], params: exerciseParams, response: { 200: exerciseDetail, 400: errorBody, 404: errorBody } } },
    async (request) => {
      const exercise = deps.exercises.find((e) => e.id === request.params.id);
      if (!exercise) throw new ApiError(404, "not_found", `exercise ${request.params.id} is not offered`);
      return detailOf(exercise);
    },
  );
};

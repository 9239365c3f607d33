import type { ExerciseId } from "../../exercises/types.ts";

/**
 * One student submission per catalogued mistake: the model solution of its exercise (with the
 * exercises it calls) with that one mistake made, as find-and-replace edits of the model's text.
 * Each `find` must occur exactly once, so a changed model solution fails loudly here rather than
 * silently testing the right answer.
 */
export interface MistakeSubmission {
  readonly mistake: string;
  readonly exercise: ExerciseId;
  readonly edits: readonly (readonly [find: string, replace: string])[];
}

const strideless: MistakeSubmission["edits"] = [
  ["const vert_start = h * stride;", "const vert_start = h;"],
  ["const horiz_start = w * stride;", "const horiz_start = w;"],
];

export const MISTAKE_SUBMISSIONS: readonly MistakeSubmission[] = [
  { mistake: "zero_pad/pads_batch_and_channel_axes", exercise: "zero_pad", edits: [["[[0, 0], [pad, pad], [pad, pad], [0, 0]]", "pad"]] },
  { mistake: "zero_pad/pads_one_side_only", exercise: "zero_pad", edits: [["[[0, 0], [pad, pad], [pad, pad], [0, 0]]", "[[0, 0], [0, pad], [0, pad], [0, 0]]"]] },
  { mistake: "zero_pad/pads_by_pad_minus_one", exercise: "zero_pad", edits: [["[[0, 0], [pad, pad], [pad, pad], [0, 0]]", "[[0, 0], [pad - 1, pad - 1], [pad - 1, pad - 1], [0, 0]]"]] },

  {
    mistake: "convolve_window/bias_added_once",
    exercise: "convolve_window",
    edits: [["const s = np.multiply(a_slice, W).add(b);\n  const Z = np.sum(s);", "const s = np.multiply(a_slice, W);\n  const Z = np.sum(s) + np.sum(b);"]],
  },
  { mistake: "convolve_window/forgets_bias", exercise: "convolve_window", edits: [["np.multiply(a_slice, W).add(b)", "np.multiply(a_slice, W)"]] },
  { mistake: "convolve_window/mean_instead_of_sum", exercise: "convolve_window", edits: [["const Z = np.sum(s);", "const Z = np.mean(s);"]] },

  { mistake: "conv_forward/ignores_stride", exercise: "conv_forward", edits: strideless },
  {
    mistake: "conv_forward/ignores_padding",
    exercise: "conv_forward",
    edits: [
      ["const A_prev_pad = zero_pad(A_prev, pad);", "const A_prev_pad = A_prev;"],
      ["const n_H = Math.floor((n_H_prev - f + 2 * pad) / stride) + 1;", "const n_H = Math.floor((n_H_prev - f) / stride) + 1;"],
      ["const n_W = Math.floor((n_W_prev - f + 2 * pad) / stride) + 1;", "const n_W = Math.floor((n_W_prev - f) / stride) + 1;"],
    ],
  },
  {
    // With the filter cut to match, so the too-small window still multiplies.
    mistake: "conv_forward/window_end_off_by_one",
    exercise: "conv_forward",
    edits: [
      ["const vert_end = vert_start + f;", "const vert_end = vert_start + f - 1;"],
      ["const horiz_end = horiz_start + f;", "const horiz_end = horiz_start + f - 1;"],
      ["const weights = W.slice(null, null, null, c);", "const weights = W.slice([0, f - 1], [0, f - 1], null, c);"],
    ],
  },
  { mistake: "conv_forward/same_filter_for_every_channel", exercise: "conv_forward", edits: [["const weights = W.slice(null, null, null, c);", "const weights = W.slice(null, null, null, 0);"]] },
  {
    mistake: "conv_forward/bias_added_once",
    exercise: "conv_forward",
    edits: [["convolve_window(a_slice_prev, weights, biases)", "convolve_window(a_slice_prev, weights, np.zeros(biases.shape)) + np.sum(biases)"]],
  },
  {
    mistake: "conv_forward/output_size_without_padding",
    exercise: "conv_forward",
    edits: [
      ["const n_H = Math.floor((n_H_prev - f + 2 * pad) / stride) + 1;", "const n_H = Math.floor((n_H_prev - f) / stride) + 1;"],
      ["const n_W = Math.floor((n_W_prev - f + 2 * pad) / stride) + 1;", "const n_W = Math.floor((n_W_prev - f) / stride) + 1;"],
    ],
  },
  {
    // Rounding up alone makes the last windows run off the padded input; this student pads the far
    // sides by one more stride so they read zeros.
    mistake: "conv_forward/output_size_rounded_up",
    exercise: "conv_forward",
    edits: [
      ["const n_H = Math.floor((n_H_prev - f + 2 * pad) / stride) + 1;", "const n_H = Math.ceil((n_H_prev - f + 2 * pad) / stride) + 1;"],
      ["const n_W = Math.floor((n_W_prev - f + 2 * pad) / stride) + 1;", "const n_W = Math.ceil((n_W_prev - f + 2 * pad) / stride) + 1;"],
      ["const A_prev_pad = zero_pad(A_prev, pad);", "const A_prev_pad = np.pad(A_prev, [[0, 0], [pad, pad + stride], [pad, pad + stride], [0, 0]], 0);"],
    ],
  },
  {
    mistake: "conv_forward/swaps_height_and_width",
    exercise: "conv_forward",
    edits: [
      ["const Z = np.zeros([m, n_H, n_W, n_C]);", "const Z = np.zeros([m, n_W, n_H, n_C]);"],
      ["Z.set([i, h, w, c],", "Z.set([i, w, h, c],"],
    ],
  },

  { mistake: "conv_backward/db_from_last_example", exercise: "conv_backward", edits: [["db.addAt([null, null, null, c], dz);", "if (i === m - 1) db.addAt([null, null, null, c], dz);"]] },
  {
    mistake: "conv_backward/dw_from_last_example",
    exercise: "conv_backward",
    edits: [["dW.addAt([null, null, null, c], a_slice.mul(dz));", "if (i === m - 1) dW.addAt([null, null, null, c], a_slice.mul(dz));"]],
  },
  { mistake: "conv_backward/da_not_accumulated", exercise: "conv_backward", edits: [["da_prev_pad.addAt(", "da_prev_pad.assign("]] },
  { mistake: "conv_backward/ignores_stride", exercise: "conv_backward", edits: strideless },
  { mistake: "conv_backward/dw_not_multiplied_by_dz", exercise: "conv_backward", edits: [["dW.addAt([null, null, null, c], a_slice.mul(dz));", "dW.addAt([null, null, null, c], a_slice);"]] },
  {
    mistake: "conv_backward/unpads_at_wrong_offset",
    exercise: "conv_backward",
    edits: [["da_prev_pad.slice([pad, pad + n_H_prev], [pad, pad + n_W_prev], null)", "da_prev_pad.slice([0, n_H_prev], [0, n_W_prev], null)"]],
  },

  {
    mistake: "pool_forward/modes_swapped",
    exercise: "pool_forward",
    edits: [
      ['if (mode === "max") {', 'if (mode === "average") {'],
      ['} else if (mode === "average") {', '} else if (mode === "max") {'],
    ],
  },
  { mistake: "pool_forward/ignores_stride", exercise: "pool_forward", edits: strideless },
  {
    mistake: "pool_forward/window_end_off_by_one",
    exercise: "pool_forward",
    edits: [
      ["const vert_end = vert_start + f;", "const vert_end = vert_start + f - 1;"],
      ["const horiz_end = horiz_start + f;", "const horiz_end = horiz_start + f - 1;"],
    ],
  },
  { mistake: "pool_forward/average_divided_by_f", exercise: "pool_forward", edits: [["np.mean(a_prev_slice)", "np.sum(a_prev_slice) / f"]] },

  { mistake: "create_mask_from_window/marks_minimum", exercise: "create_mask_from_window", edits: [["x.eq(np.max(x))", "x.eq(np.min(x))"]] },
  {
    mistake: "create_mask_from_window/marks_above_mean",
    exercise: "create_mask_from_window",
    edits: [["const mask = x.eq(np.max(x));", "const mean = np.mean(x);\n  const mask = np.array(Array.from(x.data, (v) => (v >= mean ? 1 : 0)), x.shape);"]],
  },
  { mistake: "create_mask_from_window/returns_max_value", exercise: "create_mask_from_window", edits: [["const mask = x.eq(np.max(x));", "const mask = np.max(x) as unknown as NDArray;"]] },

  { mistake: "distribute_value/multiplies_by_size", exercise: "distribute_value", edits: [["const average = dz / (n_H * n_W);", "const average = dz * (n_H * n_W);"]] },
  { mistake: "distribute_value/divides_by_n_h_only", exercise: "distribute_value", edits: [["const average = dz / (n_H * n_W);", "const average = dz / n_H;"]] },

  {
    mistake: "pool_backward/modes_swapped",
    exercise: "pool_backward",
    edits: [
      ['if (mode === "max") {', 'if (mode === "average") {'],
      ['} else if (mode === "average") {', '} else if (mode === "max") {'],
    ],
  },
  { mistake: "pool_backward/ignores_stride", exercise: "pool_backward", edits: strideless },
  { mistake: "pool_backward/average_not_divided", exercise: "pool_backward", edits: [["distribute_value(da, [f, f])", "np.ones([f, f]).mul(da)"]] },
  { mistake: "pool_backward/mask_not_multiplied_by_da", exercise: "pool_backward", edits: [["np.multiply(mask, dA.get(i, h, w, c))", "mask"]] },
];

/** Applies a submission's edits to a module's text; throws when a `find` is absent or ambiguous. */
export function applyEdits(source: string, edits: MistakeSubmission["edits"]): string {
  return edits.reduce((text, [find, replace]) => {
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`edit ${JSON.stringify(find)} matches ${at < 0 ? "nothing" : "more than once"}`);
    return text.slice(0, at) + replace + text.slice(at + find.length);
  }, source);
}

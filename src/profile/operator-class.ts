/** The operator classes `ppbench profile` reports time for. */
export const OPERATOR_CLASSES = [
  'convolution',
  'matmul/linear',
  'attention',
  'normalization',
  'elementwise',
  'copies/casts',
  'other',
] as const;
export type OperatorClass = (typeof OPERATOR_CLASSES)[number];

const RULES: [RegExp, OperatorClass][] = [
  [/conv/, 'convolution'],
  [/scaled_dot_product|attention|softmax|baddbmm/, 'attention'],
  [/^aten::(mm|addmm|bmm|matmul|linear|dot|addmv|mv)$|gemm|matmul|inner_product/, 'matmul/linear'],
  [/norm/, 'normalization'],
  [/^aten::(copy_|to|_to_copy|contiguous|clone|cat|stack|empty_like|_copy_from|_copy_from_and_resize|narrow_copy)$|reorder/, 'copies/casts'],
  [
    /^aten::(add|add_|sub|sub_|mul|mul_|div|div_|silu|silu_|gelu|gelu_|sigmoid|tanh|exp|sin|cos|pow|sqrt|rsqrt|neg|clamp|clamp_|where|lerp|addcmul|addcdiv|fill_|zero_|relu|erf|chunk_cat|masked_fill|rsub|abs|round|floor|ceil)$/,
    'elementwise',
  ],
];

/** Classifies a libtorch operator by name ("aten::conv2d" → convolution); unknown names are "other". */
export function operatorClass(name: string): OperatorClass {
  for (const [pattern, cls] of RULES) if (pattern.test(name)) return cls;
  return 'other';
}

/** The classes whose FLOP estimates `ppbench profile` turns into achieved GFLOP/s. */
export function flopClass(name: string): 'convolution' | 'matmul/linear' | undefined {
  const cls = operatorClass(name);
  if (cls === 'convolution') return cls;
  if (cls === 'matmul/linear' || /^aten::(baddbmm|bmm)$/.test(name)) return 'matmul/linear';
  return undefined;
}

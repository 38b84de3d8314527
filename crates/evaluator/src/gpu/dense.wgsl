// One dense layer (or one block of its rows) for a chunk of samples. Needs fixedpoint.wgsl.
//
// Buffers hold bytes four to a u32 (little-endian: byte i of a word is bits 8i..8i+7) and
// words four to a vec4 "quad" (see src/gpu/layout.rs):
// * weights[k · block_row_quads + rq], lane j: weights 4k..4k+3 of row 4·rq + j of the block;
// * inputs[k · sample_quads + sq], lane s: inputs 4k..4k+3 of sample 4·sq + s;
// * outputs[rq · sample_quads + sq], lane s: outputs 4·rq..4·rq+3 of sample 4·sq + s, which is
//   the next layer's input layout.
// Padding (weights past a row's end, rows past the layer's end, samples past the chunk's end)
// is zero, so it adds nothing to any real accumulator; padded rows are written as 0.
//
// One invocation computes a 4-row × 4-sample tile: 16 accumulators, two 16-byte loads per
// 64 multiply-adds. Accumulation uses i32 adds, which wrap in WGSL; by the model bounds
// (crate::model) every partial sum fits an i32, so they are the exact sums.

struct DenseParams {
	// Words (of 4 inputs) per sample: ceil(input size / 4).
	in_words: u32,
	// Sample quads in the activation buffers.
	sample_quads: u32,
	// Row quads of this weight block.
	block_row_quads: u32,
	// The layer's row quad where this block starts.
	row_quad_offset: u32,
	// The layer's output size: rows at or past it are padding.
	out_rows: u32,
	// Requantization multiplier (Q31) and right shift.
	multiplier: i32,
	shift: u32,
	// 1 when the activation is the lookup table in constants[0..256], 0 for ReLU.
	has_table: u32,
}

// Entries of the lookup table, stored one per u32 at the start of `constants`.
const TABLE_LEN: u32 = 256u;

@group(0) @binding(0) var<uniform> params: DenseParams;
@group(0) @binding(1) var<storage, read> weights: array<vec4<u32>>;
// The lookup table (256 u32, zeros for ReLU), then the layer's biases (i32), zero-padded to
// whole row quads.
@group(0) @binding(2) var<storage, read> constants: array<u32>;
@group(0) @binding(3) var<storage, read> inputs: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> outputs: array<vec4<u32>>;

// Byte `index` of every lane as a signed int8: moved to the top, then shifted down
// arithmetically (sign-extending).
fn weight_bytes(w: vec4<u32>, index: u32) -> vec4<i32> {
	return bitcast<vec4<i32>>(w << vec4<u32>(24u - 8u * index)) >> vec4<u32>(24u);
}

// Byte `index` of every lane as an unsigned uint8.
fn input_bytes(x: vec4<u32>, index: u32) -> vec4<i32> {
	return bitcast<vec4<i32>>((x >> vec4<u32>(8u * index)) & vec4<u32>(0xffu));
}

// Requantizes and activates four rows of one sample and packs them into one word; rows at or
// past the layer's end become 0.
fn finish_rows(acc: vec4<i32>, first_row: u32) -> u32 {
	var q = requantize(acc, vec4<i32>(params.multiplier), vec4<u32>(params.shift));
	if params.has_table != 0u {
		q = vec4<u32>(constants[q.x], constants[q.y], constants[q.z], constants[q.w]);
	}
	let rows = vec4<u32>(first_row) + vec4<u32>(0u, 1u, 2u, 3u);
	let kept = select(vec4<u32>(0u), q, rows < vec4<u32>(params.out_rows));
	return kept.x | (kept.y << 8u) | (kept.z << 16u) | (kept.w << 24u);
}

@compute @workgroup_size(16, 4, 1)
fn dense(@builtin(global_invocation_id) id: vec3<u32>) {
	let rq = id.x;
	let sq = id.y;
	if rq >= params.block_row_quads || sq >= params.sample_quads {
		return;
	}
	let layer_rq = params.row_quad_offset + rq;
	let first_row = 4u * layer_rq;
	let bias = bitcast<vec4<i32>>(vec4<u32>(
		constants[TABLE_LEN + first_row],
		constants[TABLE_LEN + first_row + 1u],
		constants[TABLE_LEN + first_row + 2u],
		constants[TABLE_LEN + first_row + 3u],
	));
	// acc_s: rows 4·rq..4·rq+3 of sample 4·sq + s.
	var acc0 = bias;
	var acc1 = bias;
	var acc2 = bias;
	var acc3 = bias;
	for (var k = 0u; k < params.in_words; k += 1u) {
		let w = weights[k * params.block_row_quads + rq];
		let x = inputs[k * params.sample_quads + sq];
		let w0 = weight_bytes(w, 0u);
		let x0 = input_bytes(x, 0u);
		acc0 += w0 * x0.x;
		acc1 += w0 * x0.y;
		acc2 += w0 * x0.z;
		acc3 += w0 * x0.w;
		let w1 = weight_bytes(w, 1u);
		let x1 = input_bytes(x, 1u);
		acc0 += w1 * x1.x;
		acc1 += w1 * x1.y;
		acc2 += w1 * x1.z;
		acc3 += w1 * x1.w;
		let w2 = weight_bytes(w, 2u);
		let x2 = input_bytes(x, 2u);
		acc0 += w2 * x2.x;
		acc1 += w2 * x2.y;
		acc2 += w2 * x2.z;
		acc3 += w2 * x2.w;
		let w3 = weight_bytes(w, 3u);
		let x3 = input_bytes(x, 3u);
		acc0 += w3 * x3.x;
		acc1 += w3 * x3.y;
		acc2 += w3 * x3.z;
		acc3 += w3 * x3.w;
	}
	outputs[layer_rq * params.sample_quads + sq] = vec4<u32>(
		finish_rows(acc0, first_row),
		finish_rows(acc1, first_row),
		finish_rows(acc2, first_row),
		finish_rows(acc3, first_row),
	);
}

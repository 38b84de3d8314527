// Test-only: runs fixedpoint.wgsl's functions on the device, one case (four lanes) per
// invocation, so the unit tests can compare them with crate::reference.

struct ProbeCase {
	a: vec4<i32>,
	b: vec4<i32>,
	shift: vec4<u32>,
}

struct ProbeResult {
	high_mul: vec4<i32>,
	divided: vec4<i32>,
	requantized: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> cases: array<ProbeCase>;
@group(0) @binding(1) var<storage, read_write> results: array<ProbeResult>;

@compute @workgroup_size(64, 1, 1)
fn probe(@builtin(global_invocation_id) id: vec3<u32>) {
	let i = id.x;
	if i >= arrayLength(&cases) {
		return;
	}
	let c = cases[i];
	results[i] = ProbeResult(
		saturating_rounding_doubling_high_mul(c.a, c.b),
		rounding_divide_by_pot(c.a, c.shift),
		requantize(c.a, c.b, c.shift),
	);
}

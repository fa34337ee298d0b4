#pragma once
// Which kernels OpenBLAS computes with, and why a process may re-execute
// itself to change them.
//
// OpenBLAS picks its kernels by CPU when it loads. With its AVX2 kernels
// (cores Haswell and Zen) a row of an sgemm result depends on the row's
// place in the batch: the same input in rows 0 and 16 of a 32-row linear
// gives different last bits (measured on an AMD EPYC without AVX-512:
// alternating groups of six rows differ). The trial engine relies on the
// opposite: a trial row whose state equals the fault-free control row's has
// the control's future (early exit), and a resumed prefill reproduces the
// control's state. On such a machine both fail bit for bit (the engine
// tests catch it) and early exits fell from about 40% of trials to 6%. The
// Sandybridge kernels (AVX, no FMA) keep rows independent, and on that
// machine they were also faster (engine_bench, naive side included). The
// kernels are fixed from OPENBLAS_CORETYPE when the library loads, before
// main(), so the only way to change them is a fresh process image.
namespace beamline::runtime::blas {

// Whether a batch of identical rows through sgemm_ (shaped as a linear
// layer's) gives identical rows, bit for bit. True when no sgemm_ is loaded.
bool sgemm_rows_agree();

// Call first thing in main(). When OpenBLAS is loaded and its kernels make
// rows disagree, re-executes this program (same argv, same pid) with
// OPENBLAS_CORETYPE=Sandybridge; child processes inherit the setting, so
// only the first process pays the second start-up. Does nothing when rows
// agree, and only warns on stderr when OPENBLAS_CORETYPE is already set
// (the user's choice, or the re-executed process still disagreeing) or the
// CPU has no AVX.
void reexec_with_row_invariant_kernels(char** argv);

}  // namespace beamline::runtime::blas

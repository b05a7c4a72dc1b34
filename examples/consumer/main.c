/* Embeds the fused compiler through its C API: compiles a GEMM with a bias
 * + ReLU epilogue and a causal attention, runs them on the best device (the
 * emulator without a GPU) and compares with the float64 reference. Also
 * shows that bad input comes back as an error message, not a crash. */
#include <fused-c/fused.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *kSource =
    "func.func @gemm(%a: tensor<70x96xf16>, %b: tensor<96x40xf16>,\n"
    "                %bias: tensor<40xf32>) -> tensor<70x40xf32> {\n"
    "  %c = fused.matmul %a, %b : tensor<70x96xf16>, tensor<96x40xf16>"
    " -> tensor<70x40xf32>\n"
    "  %d = fused.add %c, %bias : tensor<70x40xf32>, tensor<40xf32>"
    " -> tensor<70x40xf32>\n"
    "  %e = fused.relu %d : tensor<70x40xf32>\n"
    "  return %e : tensor<70x40xf32>\n"
    "}\n"
    "func.func @attention(%q: tensor<1x4x50x64xf16>, %k: tensor<1x2x80x64xf16>,\n"
    "                     %v: tensor<1x2x80x64xf16>) -> tensor<1x4x50x64xf16> {\n"
    "  %o = fused.attention %q, %k, %v {causal} : tensor<1x4x50x64xf16>,"
    " tensor<1x2x80x64xf16>, tensor<1x2x80x64xf16> -> tensor<1x4x50x64xf16>\n"
    "  return %o : tensor<1x4x50x64xf16>\n"
    "}\n";

static int check(fused_program *program, fused_device *device,
                 const char *function) {
  size_t n_in = 0, n_out = 0, i, j;
  while (!fused_program_tensor(program, function, 0, n_in, NULL, NULL, 0, NULL,
                               NULL))
    ++n_in;
  while (!fused_program_tensor(program, function, 1, n_out, NULL, NULL, 0,
                               NULL, NULL))
    ++n_out;
  float **in = calloc(n_in, sizeof(float *));
  float **out = calloc(n_out, sizeof(float *));
  float **ref = calloc(n_out, sizeof(float *));
  size_t *out_n = calloc(n_out, sizeof(size_t));
  char *error = NULL;
  int status = 0;
  unsigned seed = 12345;
  for (i = 0; i < n_in; ++i) {
    size_t n;
    fused_program_tensor(program, function, 0, i, NULL, NULL, 0, &n, NULL);
    in[i] = malloc(n * sizeof(float));
    for (j = 0; j < n; ++j) {
      seed = seed * 1103515245u + 12345u;
      in[i][j] = (float)((seed >> 8) % 2000) / 1000.0f - 1.0f;
    }
  }
  for (i = 0; i < n_out; ++i) {
    fused_program_tensor(program, function, 1, i, NULL, NULL, 0, &out_n[i],
                         NULL);
    out[i] = malloc(out_n[i] * sizeof(float));
    ref[i] = malloc(out_n[i] * sizeof(float));
  }
  if (fused_run(program, device, function, (const float *const *)in, n_in, out,
                n_out, &error) ||
      fused_reference(program, function, (const float *const *)in, n_in, ref,
                      n_out, &error)) {
    fprintf(stderr, "consumer: %s\n", error);
    fused_string_free(error);
    status = 1;
  } else {
    /* Each result judged by fused's own rule, at its own tolerance. */
    double tol[16];
    size_t n_tol = 0;
    fused_program_tolerances(program, function, tol, 16, &n_tol, NULL);
    for (i = 0; i < n_out; ++i) {
      fused_comparison c;
      if (fused_compare(out[i], ref[i], out_n[i], i < n_tol ? tol[i] : 0, &c,
                        &error)) {
        fprintf(stderr, "consumer: %s\n", error);
        fused_string_free(error);
        status = 1;
        break;
      }
      printf("consumer: @%s result %zu: relative error %.3e, %zu of %zu "
             "elements outside the tolerance %s\n",
             function, i, c.relative_error, c.failures, c.elements,
             c.passed ? "PASS" : "FAIL");
      status |= !c.passed;
    }
  }
  for (i = 0; i < n_in; ++i)
    free(in[i]);
  for (i = 0; i < n_out; ++i) {
    free(out[i]);
    free(ref[i]);
  }
  free(in);
  free(out);
  free(ref);
  free(out_n);
  return status;
}

int main(void) {
  fused_program *program = NULL;
  fused_device *device = NULL;
  char *error = NULL;
  printf("consumer: fused %s\n", fused_version());

  /* Malformed input: an error message, no crash. */
  if (fused_compile("func.func @broken(", "emulator", NULL, 0, &program,
                    &error) == 0) {
    fprintf(stderr, "consumer: malformed input compiled\n");
    return 1;
  }
  printf("consumer: malformed input rejected: %s\n",
         error ? "message received" : "no message");
  fused_string_free(error);
  error = NULL;

  /* The comparison rule: a NaN where the reference is finite fails. */
  {
    const float got[2] = {1.0f, NAN}, want[2] = {1.0f, 2.0f};
    fused_comparison c;
    if (fused_compare(got, want, 2, fused_tolerance_for("f16"), &c, &error) ||
        c.passed || c.failures != 1 || c.worst_index != 1) {
      fprintf(stderr, "consumer: fused_compare misjudged a NaN\n");
      return 1;
    }
    if (fused_compare(got, NULL, 2, 0, &c, &error) == 0) {
      fprintf(stderr, "consumer: fused_compare accepted a NULL array\n");
      return 1;
    }
    printf("consumer: comparison rule: NaN fails (%zu of %zu), NULL "
           "rejected: %s\n",
           c.failures, c.elements, error ? "message received" : "no message");
    fused_string_free(error);
    error = NULL;
  }

  if (fused_device_open("auto", &device, &error) ||
      fused_compile(kSource, fused_device_backend(device), NULL, 0, &program,
                    &error)) {
    fprintf(stderr, "consumer: %s\n", error);
    fused_string_free(error);
    return 1;
  }
  printf("consumer: device %s (%s)\n", fused_device_name(device),
         fused_device_backend(device));
  int status = check(program, device, "gemm") |
               check(program, device, "attention");
  fused_program_destroy(program);
  fused_device_destroy(device);
  return status;
}

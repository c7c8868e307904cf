{
  "targets": [
    {
      "target_name": "line_gate",
      "sources": ["line_gate.cc"],
      "cflags_cc": ["-std=c++17", "-O3"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "CLANG_CXX_LANGUAGE_STANDARD": "c++17", "GCC_OPTIMIZATION_LEVEL": "3" },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17"] } }
    }
  ]
}

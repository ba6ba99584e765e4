struct from_header { int a; long b; };

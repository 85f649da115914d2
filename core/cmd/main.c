/* placeholder main; replaced by the CLI */
#include <stdio.h>
int main(void) { puts("fedstate"); return 0; }

/* The program the build isolation recipe (doc/recipes.md) compiles. */
#include <stdio.h>

int main(void)
{
  puts("hello from a sandboxed build");
  return 0;
}

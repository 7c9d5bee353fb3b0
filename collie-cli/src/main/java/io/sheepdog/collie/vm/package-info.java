/** {@code collie vm}: the working VDIs with who is attached to them, as Sheepdog's collie showed them. */
package io.sheepdog.collie.vm;

/** Karaf console commands over the facegate services; nothing here is exported. */
package io.facegate.shell.internal;

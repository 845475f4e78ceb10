/** The deployment agent: jobs, transfer, installation, health check and rollback. Not exported. */
package io.facegate.deploy.internal;

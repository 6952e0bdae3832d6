package io.github.jdbcliveness.junit;

/** What the kit needs from a database container: kept apart so that Testcontainers stays optional. */
interface ContainerFaultsAccess {

    void pause() throws Exception;

    void unpause() throws Exception;

    void disconnect() throws Exception;

    void reconnect() throws Exception;

    void kill() throws Exception;

    void restart() throws Exception;
}

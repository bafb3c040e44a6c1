package org.x86play.host;

/** A bad command line or input file: reported as one line, exit status 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}

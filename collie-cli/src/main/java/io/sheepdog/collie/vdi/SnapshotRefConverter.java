package io.sheepdog.collie.vdi;

import io.sheepdog.daemon.api.SnapshotRef;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code -s TAG|ID}: digits are a snapshot number, anything else its tag. */
public final class SnapshotRefConverter implements ITypeConverter<SnapshotRef> {
    @Override
    public SnapshotRef convert(String value) {
        try {
            return SnapshotRef.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}

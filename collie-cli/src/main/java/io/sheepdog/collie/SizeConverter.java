package io.sheepdog.collie;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converter for size arguments (see {@link Sizes#parse}); a bad size is a usage error (exit 64). */
public final class SizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}

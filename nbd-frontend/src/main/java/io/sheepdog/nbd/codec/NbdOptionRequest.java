package io.sheepdog.nbd.codec;

import java.util.List;

/**
 * An option the client sent during the handshake, with its data already parsed. The server logic works on these
 * records and never sees the option bytes.
 */
public sealed interface NbdOptionRequest {

    /** The option's wire code (known or not). */
    int code();

    /**
     * NBD_OPT_EXPORT_NAME.
     *
     * @param name the export name (empty for the default export)
     */
    record ExportName(String name) implements NbdOptionRequest {
        @Override
        public int code() {
            return NbdOption.EXPORT_NAME.code();
        }
    }

    /**
     * NBD_OPT_INFO or NBD_OPT_GO.
     *
     * @param option    {@link NbdOption#INFO} or {@link NbdOption#GO}
     * @param name      the export name
     * @param infoTypes the information types requested (raw codes; unknown ones are ignored)
     */
    record Info(NbdOption option, String name, List<Integer> infoTypes) implements NbdOptionRequest {
        public Info {
            if (option != NbdOption.INFO && option != NbdOption.GO) {
                throw new IllegalArgumentException("not INFO or GO: " + option);
            }
            infoTypes = List.copyOf(infoTypes);
        }

        @Override
        public int code() {
            return option.code();
        }
    }

    /**
     * NBD_OPT_LIST_META_CONTEXT or NBD_OPT_SET_META_CONTEXT.
     *
     * @param option     {@link NbdOption#LIST_META_CONTEXT} or {@link NbdOption#SET_META_CONTEXT}
     * @param exportName the export the contexts are for
     * @param queries    the context queries
     */
    record MetaContext(NbdOption option, String exportName, List<String> queries) implements NbdOptionRequest {
        public MetaContext {
            if (option != NbdOption.LIST_META_CONTEXT && option != NbdOption.SET_META_CONTEXT) {
                throw new IllegalArgumentException("not a meta context option: " + option);
            }
            queries = List.copyOf(queries);
        }

        @Override
        public int code() {
            return option.code();
        }
    }

    /**
     * An option whose data this server does not interpret (ABORT, LIST, STARTTLS, STRUCTURED_REPLY and unknown
     * options); the data was skipped.
     *
     * @param code       the option's wire code
     * @param dataLength how many data bytes came with it (most of these options must have none)
     */
    record Bare(int code, int dataLength) implements NbdOptionRequest {
    }

    /**
     * A known option whose data did not parse; answered with NBD_REP_ERR_INVALID (or, for EXPORT_NAME, a close).
     *
     * @param code   the option's wire code
     * @param reason what was wrong, for the error message
     */
    record Malformed(int code, String reason) implements NbdOptionRequest {
    }
}

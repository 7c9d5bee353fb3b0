package io.sheepdog.collie;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** Prints the daemon's records (or maps of them) as indented JSON, one document per command. */
public final class JsonOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonOutput() {
    }

    public static void print(PrintWriter out, Object value) throws JsonProcessingException {
        out.println(MAPPER.writeValueAsString(value));
    }
}

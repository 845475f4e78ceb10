package io.facegate.api;

/** Channel order a model expects at its input. */
public enum ChannelOrder {
    /** red, green, blue */
    RGB,
    /** blue, green, red */
    BGR
}

# Loader fixtures that need their own link line: the unresolved symbol must
# survive the link (no -z defs) so dlopen is what refuses it.
$(BUILD)/tests/plugins/unresolved.so: $(BUILD)/pobj/tests/plugins/unresolved.o
	@mkdir -p $(@D)
	$(CC) -shared $(SANFLAGS) -o $@ $<

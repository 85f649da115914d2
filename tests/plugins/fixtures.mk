# Loader fixtures that need their own link line: the unresolved symbol must
# survive the link (no -z defs) so dlopen is what refuses it.
$(BUILD)/tests/plugins/unresolved.so: $(BUILD)/pobj/tests/plugins/unresolved.o
	@mkdir -p $(@D)
	$(CC) -shared $(SANFLAGS) -o $@ $<

# Built against the frozen ABI 1.0 headers (tests/abi-1.0) instead of api/:
# the 1.0 plugin that test_abi loads in this (1.1) host. The include path
# comes first, so <fedstate/...> resolves there.
$(BUILD)/pobj/tests/plugins/abi10mw.o: tests/plugins/abi10mw.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -Itests/abi-1.0 $(PLUGIN_CFLAGS) -c $< -o $@

# Built with this host's headers for 1.0 hosts too (declares ABI 1.0).
$(BUILD)/pobj/tests/plugins/target10.o: tests/plugins/target10.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_CFLAGS) -DFS_PLUGIN_ABI_MINOR=0 -c $< -o $@

/*
 * util/k8sname.h - Kubernetes' name and label-value rules, as the API
 * server applies them (apimachinery's validation: IsDNS1123Subdomain,
 * IsDNS1123Label, IsValidLabelValue), with its messages.
 *
 * Each check returns NULL when `s` passes, or the rule it breaks (a static
 * string: "must be no more than 63 characters", "a lowercase RFC 1123
 * label must consist of ..."). NULL `s` breaks every rule but the label
 * value's (an empty label value is valid).
 */
#ifndef FS_UTIL_K8SNAME_H
#define FS_UTIL_K8SNAME_H

/* metadata.name of most kinds: at most 253, [a-z0-9.-], alphanumeric ends,
 * each dot-separated part alphanumeric at both ends */
const char *fs_k8s_subdomain_error(const char *s);
/* namespaces, Service names: at most 63, [a-z0-9-], alphanumeric ends */
const char *fs_k8s_label_error(const char *s);
/* label values: empty, or at most 63 of [A-Za-z0-9._-], alphanumeric ends */
const char *fs_k8s_label_value_error(const char *s);

#endif

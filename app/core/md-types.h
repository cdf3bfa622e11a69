/* md-types.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Forward declarations, so that a header names another module's types
 * without pulling in that module's world (C11 allows the typedef again
 * where G_DECLARE_FINAL_TYPE repeats it). */
typedef struct _MdCaseSession MdCaseSession;
typedef struct _MdCaseStore   MdCaseStore;
typedef struct _MdCheckRun    MdCheckRun;
typedef struct _MdDiagnosis   MdDiagnosis;
typedef struct _MdInput       MdInput;
typedef struct _MdResolver    MdResolver;

G_END_DECLS
